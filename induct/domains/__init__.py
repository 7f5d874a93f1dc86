"""Domains: the semantics, featurizers and task sets of particular DSLs (plugins).

The core never imports a domain; a grammar file names its semantics module.
"""
