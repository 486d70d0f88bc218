"""One multipart upload → the files to index and the files refused, each refusal with its reason.

Why per file: a folder dragged onto the upload box holds a stray .exe or an old .doc now and then; refusing the
whole batch for it (415) made people upload the good files one by one. The good files are stored and queued,
each refused one is reported in the job's `failed` list ("setup.exe: unsupported file type '.exe' …"). Only a
batch with nothing usable in it is refused as a whole, with every reason.

The files stay in the form parser's spooled temporary files (on disk above 1 MB) and are stored from there a
piece at a time: a 200 MB PDF is never read into memory as one bytes object.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from rag.records import Failure

from .service import Service, ServiceError
from .uploads import visible_name


@dataclass
class Batch:
    form: FormData
    files: list[tuple[str, object]] = field(default_factory=list)  # (name as given, open spooled file)
    refused: list[Failure] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # the HTTP status of each refusal
    kb: str = ""

    def check_usable(self) -> None:
        """Nothing to index: the whole request is refused, with each file's reason (415 when all were types
        we cannot read, else the first refusal's status)."""
        if self.files:
            return
        if not self.refused:
            raise ServiceError("no file in the upload; send one or more files as multipart/form-data")
        status = 415 if all(s == 415 for s in self.statuses) else self.statuses[0]
        raise ServiceError("; ".join(str(f) for f in self.refused), status)


async def read_batch(request: Request, service: Service, max_files: int, kb: str = "") -> Batch:
    """Parse the form and sort its files into usable and refused (by name, type and the type's size limit)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ServiceError("send the files as multipart/form-data (curl -F file=@notes.txt)", 415)
    try:
        form = await request.form(max_files=max_files)
    except HTTPException as e:
        raise ServiceError(f"the upload could not be read ({str(e.detail).rstrip('.')}); send at most "
                           f"{max_files} files as multipart/form-data and rename files whose names are over "
                           f"255 characters") from None
    batch = Batch(form, kb=kb)
    for key, value in form.multi_items():
        if key == "kb" and isinstance(value, str):
            batch.kb = batch.kb or value  # the knowledge base as a form field
        elif isinstance(value, UploadFile):
            name = value.filename or "upload"
            try:
                service.check_upload(name, value.size if value.size is not None else 0)
            except ServiceError as e:
                shown = visible_name(name)
                batch.refused.append(Failure(shown, str(e).removeprefix(f"{shown}: ")))
                batch.statuses.append(e.status)
                continue
            batch.files.append((name, value.file))
    return batch
