"""What the program reads besides its code, shipped in the wheel.

Nothing is kept here in the repository: at build time pyproject.toml maps the top-level
`scenarios/` folder to `simulator/_bundled/scenarios/` and `docs/scenario.schema.json` to
`simulator/_bundled/docs/`, so the bundled scenarios (and their `../docs/scenario.schema.json`
modeline) work the same in an installed wheel as in the checkout. `simulator.format.scenario`
finds them with importlib.resources, and falls back to the checkout's folders in an editable
install or a plain source tree.
"""
