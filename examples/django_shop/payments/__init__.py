"""Payments by M-Pesa STK push through Jenga, with the jenga_stk SDK."""
