"""Road-traffic accident compensation disputes, from filing to settlement or litigation."""
