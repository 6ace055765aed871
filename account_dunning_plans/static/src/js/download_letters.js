/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// "Print letters": the letters' PDF is downloaded, then the list that printed them
// reloads (the to-dos printed are done), as when a dialog closes.
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";

async function downloadLetters(env, action) {
    await download({ url: action.params.url, data: {} });
    return { type: "ir.actions.act_window_close" };
}

registry.category("actions").add("account_dunning_plans.download_letters", downloadLetters);
