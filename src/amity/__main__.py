"""Run the command line with `python -m amity`."""

from amity.cli import main

main()
