from concbench.cli import main

raise SystemExit(main())
