"""The example shop's own app: orders, the checkout page, and the handler
that fulfils an order when ``jenga_stk.django`` says it is paid."""
