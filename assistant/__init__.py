"""Local, private summarization and Q&A over articles (Arabic first), with checked citations.

from assistant import Assistant
a = Assistant(data_dir="index")
a.ingest(["article.txt"])
a.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟")
"""

from assistant.config import Settings, load_settings
from assistant.core import Assistant
from assistant.errors import AssistantError
from assistant.records import Answer, Chunk, Citation, Document, Finding, Findings, Hit, IngestReport

__all__ = [
    "Assistant",
    "Settings",
    "load_settings",
    "AssistantError",
    "Answer",
    "Chunk",
    "Citation",
    "Document",
    "Finding",
    "Findings",
    "Hit",
    "IngestReport",
]
__version__ = "0.1.0"
