from . import account_dunning_plan
from . import account_dunning_plan_step
from . import account_dunning_action
from . import res_company
from . import res_config_settings
from . import res_partner
from . import account_move
