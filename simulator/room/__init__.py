"""The drill room: one shared drill on many screens, run by a facilitator (`crisis serve`).

A front end beside the CLI and the Textual UI, over the services layer: `room.py` holds one
session per room as its single writer, `views.py` says what each role sees, `codes.py` and
`guard.py` keep strangers out, `server.py` is the aiohttp app (JSON API, websocket stream, the
pages in `pages/`). It never imports the Textual UI; the core never imports it.
"""
