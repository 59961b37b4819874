"""The owner's side on the brand's server: the relayer, claim links, the owners' club and notices."""
