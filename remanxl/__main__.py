from remanxl.cli import main

raise SystemExit(main())
