"""The web app (a door, like ``cli``): ``app`` (Gradio layout; only the facade), ``handlers`` (the tabs'
handlers), ``chat`` (one tab's conversation: questions answered in the order sent, none dropped while an
answer is coming), ``api`` (the named endpoints' checks, the one error rule), ``render`` (HTML, every document
text escaped)."""
