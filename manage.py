#!/usr/bin/env python
from gridgov.cli import main

if __name__ == "__main__":
    main()
