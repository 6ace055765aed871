from . import test_engine
from . import test_dunning_cron
from . import test_dunning_reasons
from . import test_account_move
from . import test_dunning_mail
from . import test_dunning_security
from . import test_dunning_ui
from . import test_engine_customer
