from fupin_tui.cli import main

raise SystemExit(main())
