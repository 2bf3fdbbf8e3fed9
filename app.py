"""Start the web app over the index in ASSISTANT_DATA_DIR (default ./index).

On first run it indexes the bundled sample articles. Honours GRADIO_SERVER_NAME / GRADIO_SERVER_PORT.
"""

import sys

from assistant.errors import AssistantError
from assistant.web.app import serve

if __name__ == "__main__":
    try:
        serve()
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
