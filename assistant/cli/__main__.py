"""`python -m assistant.cli …` is the `assistant` command."""
from . import main

main()
