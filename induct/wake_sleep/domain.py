"""Domains for the wake-sleep loop (see :mod:`induct.domain`, where they are defined)."""

from induct.domain import Domain, domain_names, get_domain, registered_domains, resolve_domain

__all__ = ["Domain", "domain_names", "get_domain", "registered_domains", "resolve_domain"]
