"""Entry point: python build.py [build|check|serve|new|links] ..."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
