"""TM Forum's Product Ordering (TMF622 v4) as this product speaks it: the resource shapes,
written from the published specification, a migration seen as a product order, and the
events a migration raises about its order."""
