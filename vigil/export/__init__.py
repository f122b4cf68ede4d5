"""Copies of recorded material that leave the site: clips with a signed manifest that proves
they came unaltered from sealed originals (A17.2(2), A19)."""
