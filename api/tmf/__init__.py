"""TM Forum Open APIs: TMF622 Product Ordering and its event hub, for operators' CRMs."""
