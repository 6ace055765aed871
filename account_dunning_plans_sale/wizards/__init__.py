from . import sale_order_credit_hold
