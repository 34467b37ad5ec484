"""The ``plex-source`` command line, built on the SDK (which never imports it).

One module per command, plus the pieces they share:

- :mod:`.main`: the parser and ``main()`` (the ``plex-source`` entry point);
- commands: :mod:`.update`, :mod:`.apply`, :mod:`.plan`, :mod:`.get`, :mod:`.export`,
  :mod:`.demo`, :mod:`.fake`;
- shared: :mod:`.options` (argument groups), :mod:`.planfile` (reading plan files),
  :mod:`.runner` (the concurrent runner: read first, PATCH what differs), :mod:`.reading`
  (the sources ``plan`` and ``export`` read), :mod:`.drift` (``--check``), :mod:`.settings`
  (client settings, secret files), :mod:`.tables` (terminal tables), :mod:`.report`
  (outcome tables and stderr lines), :mod:`.exits` (exit codes), :mod:`.guard` (every
  exception to an exit code, secrets masked).

Heavy imports (the clients, httpx, the fake server) happen only in the command that needs
them, so ``plex-source --help`` starts fast.
"""

from .main import main

__all__ = ["main"]
