"""The web app (a door, like ``cli``): ``app`` (Gradio layout and handlers; only the facade),
``api`` (the named endpoints' checks), ``render`` (HTML, every document text escaped)."""
