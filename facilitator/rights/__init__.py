"""Parents' rights: everything held about a family in one download (34 CFR 300.613),
and destruction on request with a certificate (34 CFR 300.624)."""
