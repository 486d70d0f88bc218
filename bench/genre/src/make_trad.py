"""Build the traditional-Chinese documents of bench/genre/docs from the simplified drafts in this folder.

OpenCC s2t (opencc-python-reimplemented), then OCR-like substitutions of the kind the seeds show
(體→L, 候→侯, 己→已, 同→通 for every other 同, 麼→么), then web boilerplate lines above and below.
Run from the repo root: .venv/bin/python bench/genre/src/make_trad.py
"""
from pathlib import Path

from opencc import OpenCC

HERE = Path(__file__).parent
OUT = HERE.parent / "docs"
BOILER = {
    "g02_plea_trad.txt": ("官道風雲小說網 > 《問鼎東陵》 > 第415章 說情\n手機閱讀 m.gdfy66.com\n\n",
                          "\n\n上一章 | 返回目錄 | 下一章\n"
                          "本站推薦：權力巔峰 | 仕途狂飆 | 重生之官路商途 | 都市狂少 | 醫道官途\n"
                          "本站所有小說均由網友上傳，如有侵權請聯繫刪除。\n"),
    "g08_plan_business_trad.txt": ("瑞川縣人民政府門戶網站 > 政務公開 > 政策文件\n"
                                   "索引號：001-2024-0037　發布日期：2024-03-08\n\n",
                                   "\n\n【字體：大 中 小】【列印本頁】【關閉窗口】\n"
                                   "主辦單位：瑞川縣人民政府辦公室　網站標識碼：0000000001\n"),
    "g11_novel_hospital_trad.txt": ("風雲書院 www.fengyunsy.net > 都市 > 《縣長的江湖》 > 第96章 暗訪縣醫院\n\n",
                                    "\n\n本章未完，點擊下一頁繼續閱讀\n喜歡縣長的江湖請大家收藏本站，更新速度全網最快。\n"
                                    "猜你喜歡：官場之風流人生 | 權路迷局 | 從村支書到省委書記 | "
                                    "重生1985 | 鄉野小神醫\n"),
}


def ocr_noise(text: str) -> str:
    for a, b in (("體", "L"), ("候", "侯"), ("己", "已"), ("麼", "么")):
        text = text.replace(a, b)
    parts = text.split("同")
    return "".join(p + (("通" if i % 2 == 0 else "同") if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def main() -> None:
    cc = OpenCC("s2t")
    for name, (head, tail) in BOILER.items():
        body = ocr_noise(cc.convert((HERE / name).read_text(encoding="utf-8")))
        (OUT / name).write_text(head + body.rstrip() + tail, encoding="utf-8")
        print(name, len(head + body + tail))


if __name__ == "__main__":
    main()
