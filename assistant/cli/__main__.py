"""`python -m assistant.cli …` is the `assistant` command."""

from assistant.cli import main

main()
