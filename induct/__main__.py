import sys

from induct.cli import main

sys.exit(main())
