"""uvicorn on the socket the cell bound: `python -m concbench.suites.serve._launch FD WORKERS APP`;
APP `aiohttp.web` runs the app on aiohttp's own server instead (one process).

uvicorn's own `--fd` takes any descriptor for a Unix socket and leaves Nagle's algorithm on, which
holds each response's second write for the client's delayed ACK (230 req/s on loopback). This is
what uvicorn's `run()` does with a TCP socket it bound itself: one server, or `Multiprocess` for
`--workers`.
"""

import socket
import sys

import uvicorn
from uvicorn.supervisors import Multiprocess


def main() -> None:
    fd, workers, app = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(fileno=fd)
    if app == "aiohttp.web":
        from aiohttp import web

        from concbench.suites.serve._app import aiohttp_web

        web.run_app(aiohttp_web(), sock=sock, print=None, access_log=None)
        return
    config = uvicorn.Config(app, workers=workers, log_level="warning", access_log=False, lifespan="on")
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
