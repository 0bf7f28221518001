"""The customer's status page: public, behind an unguessable link, in Italian or English."""
