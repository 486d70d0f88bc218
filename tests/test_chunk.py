from hypothesis import given, settings
from hypothesis import strategies as st

from rag.chunk import chunk_document, sentences
from rag.ingest import load
from rag.records import Document


def _doc(text):
    return Document(id="d", source="s", text=text, spans=((0, len(text)),))


def test_sentences_split_on_chinese_marks():
    text = "他说:“好的。”然后走了!真的吗?是的;\n下一行"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["他说:“好的。”", "然后走了!", "真的吗?", "是的;", "下一行"]


def test_chunk_invariant_on_seeds(seeds):
    for path in sorted(seeds.iterdir()):
        doc = load(path)
        chunks = chunk_document(doc, 200, 60)
        assert chunks
        for c in chunks:
            assert doc.text[c.start:c.end] == c.text
            assert c.text == c.text.strip()
        # consecutive chunks overlap or touch: nothing inside a span is skipped
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        for s, e in doc.spans:
            for sent_s, _ in sentences(doc.text, s, e):
                assert sent_s in covered


def test_overlap_and_limit():
    text = "".join(f"第{i}句话在这里结束。" for i in range(40))
    chunks = chunk_document(_doc(text), 60, 20)
    assert all(len(c.text) <= 60 for c in chunks)
    assert any(a.end > b.start for a, b in zip(chunks, chunks[1:], strict=False))  # overlap exists


def test_long_sentence_is_cut():
    text = "很长的句子" * 200
    chunks = chunk_document(_doc(text), 100, 20)
    assert all(len(c.text) <= 100 for c in chunks)
    assert "".join(c.text for c in chunks) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("甲乙丙丁。！？；…\n ,，”abc12")), max_size=600),
       st.integers(10, 200), st.integers(0, 50))
def test_chunk_invariant_fuzz(text, size, overlap):
    for c in chunk_document(_doc(text), size, overlap):
        assert text[c.start:c.end] == c.text
        assert c.text.strip()
