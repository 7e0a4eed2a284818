from fupin_tui.cli import main

if __name__ == "__main__":  # the export's worker process (spawn) imports this module as __mp_main__: no second CLI
    raise SystemExit(main())
