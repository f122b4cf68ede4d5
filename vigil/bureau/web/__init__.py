"""The bureau's web app: its console, its API and the link's HTTP end. Only this package and
the CLI import FastAPI; the bureau's domain beside it (`vigil.bureau.*`) never imports it."""
