/** @odoo-module */
// Browser tours of the accountant's daily dunning tools (run by tests/test_dunning_tours.py).

import { registry } from "@web/core/registry";

const openDunningTab = [
    {
        content: "Open the Dunning tab of the invoice",
        trigger: ".o_notebook .nav-link:contains(Dunning)",
        run: "click",
    },
];

registry.category("web_tour.tours").add("account_dunning_pause_invoice", {
    steps: () => [
        ...openDunningTab,
        {
            content: "Pause the invoice's dunning",
            trigger: "button[name=action_dunning_pause]",
            run: "click",
        },
        {
            content: "Give a reason",
            trigger: ".modal div[name=reason] input",
            run: "edit Customer on holiday",
        },
        {
            content: "Confirm the pause",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The invoice shows its pause and a Resume button",
            trigger: ".alert:contains(Dunning paused):contains(Customer on holiday)",
        },
        {
            content: "Resume",
            trigger: "button[name=action_dunning_resume]",
            run: "click",
        },
        {
            content: "Paused no more: the Pause button is back",
            trigger: "button[name=action_dunning_pause]",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_promise_invoice", {
    steps: () => [
        ...openDunningTab,
        {
            content: "Record a promise to pay",
            trigger: "button[name=action_dunning_promise]",
            run: "click",
        },
        {
            content: "Promised date",
            trigger: ".modal div[name=date] input",
            run: "edit 12/31/2030",
        },
        {
            content: "Promised amount",
            trigger: ".modal div[name=amount] input",
            run: "edit 400",
        },
        {
            content: "Note",
            trigger: ".modal div[name=note] input",
            run: "edit Promised on the phone",
        },
        {
            content: "Record it",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The invoice shows the promise",
            trigger: ".alert:contains(Payment promised)",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_payment_plan_invoice", {
    steps: () => [
        ...openDunningTab,
        {
            content: "Agree a payment plan for the invoice",
            trigger: "button[name=action_dunning_payment_plan]",
            run: "click",
        },
        {
            content: "In two installments",
            trigger: "div[name=installment_count] input",
            run: "edit 2",
        },
        {
            content: "The first one on 15 April",
            trigger: "div[name=first_date] input",
            run: "edit 04/15/2026",
        },
        {
            content: "Split the amount due",
            trigger: "button[name=action_split]",
            run: "click",
        },
        {
            content: "Two installments of 500",
            trigger: "div[name=installment_ids] .o_data_row:eq(1):contains(500.00)",
        },
        {
            content: "Agree it with the customer",
            trigger: "button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The plan runs",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Running)",
        },
        {
            content: "Back to the invoice",
            trigger: ".o_breadcrumb a:contains(INV/)",
            run: "click",
        },
        ...openDunningTab,
        {
            content: "The invoice shows its payment plan and its installments",
            trigger: "div[name=dunning_payment_plan]:contains(In a payment plan) .o_data_row:eq(1)",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_assign_plan_list", {
    steps: () => [
        {
            content: "Select the first tour invoice",
            trigger: ".o_data_row:contains(Tour Customer):first .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the second tour invoice",
            trigger: ".o_data_row:contains(Tour Customer):last .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus .dropdown-toggle:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Assign a dunning plan",
            trigger: ".o-dropdown--menu .dropdown-item:contains(Assign a dunning plan)",
            run: "click",
        },
        {
            content: "Choose the plan",
            trigger: ".modal div[name=plan_id] input",
            run: "edit Tour plan",
        },
        {
            content: "Pick it in the list",
            trigger: ".ui-menu-item a:contains(Tour plan)",
            run: "click",
        },
        {
            content: "Assign",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Done: the dialog closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_execute_todo", {
    steps: () => [
        {
            content: "Open the to-do",
            trigger: ".o_data_row:contains(Tour No Mail) td.o_data_cell:first",
            run: "click",
        },
        {
            content: "Mark it as done",
            trigger: ".o_form_view button[name=action_done]",
            run: "click",
        },
        {
            content: "It is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_simulation", {
    steps: () => [
        {
            content: "Forecast seven days",
            trigger: ".modal div[name=days] input",
            run: "edit 7",
        },
        {
            content: "Simulate",
            trigger: ".modal button[name=action_simulate]",
            run: "click",
        },
        {
            content: "The lines are grouped by customer",
            trigger: ".o_group_header:contains(Tour Customer)",
        },
        {
            content: "Send the simulation to me",
            trigger: ".o_control_panel button[name=action_send_by_email]",
            run: "click",
        },
        {
            content: "It is queued",
            trigger: ".o_notification:contains(Simulation queued for)",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_plan_test", {
    steps: () => [
        {
            content: "Test this plan",
            trigger: ".o_form_view button[name=action_test_plan]",
            run: "click",
        },
        {
            content: "Choose the invoice",
            trigger: ".modal div[name=move_id] input",
            run: "edit INV/",
        },
        {
            content: "Pick it",
            trigger: ".ui-menu-item a:contains(INV/)",
            run: "click",
        },
        {
            content: "Run the test",
            trigger: ".modal button[name=action_test]",
            run: "click",
        },
        {
            content: "Each step shows with its date",
            trigger: ".modal .o_data_row:contains(Step 4)",
        },
        {
            content: "Receive the mails myself",
            trigger: ".modal button[name=action_send_to_me]",
            run: "click",
        },
        {
            content: "They are queued",
            trigger: ".o_notification:contains(test mail(s) queued)",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_why", {
    steps: () => [
        ...openDunningTab,
        {
            content: "The invoice says why, in words",
            trigger: "div[name=dunning_explanation]:contains(Next: step 'Step 2')",
        },
    ],
});

registry.category("web_tour.tours").add("account_dunning_step_channels", {
    steps: () => [
        {
            content: "Open the Delivery tab of the plan",
            trigger: ".o_notebook .nav-link:contains(Delivery)",
            run: "click",
        },
        {
            content: "The plan may have its own send window",
            trigger: "div[name=window_type] select",
            run: 'select "custom"',
        },
        {
            content: "Back to the steps",
            trigger: ".o_notebook .nav-link:contains(Steps)",
            run: "click",
        },
        {
            content: "Open the second step",
            trigger: ".o_field_one2many[name=step_ids] .o_data_row:contains(Step 2) td.o_data_cell:nth-child(2)",
            run: "click",
        },
        {
            content: "Attach the invoice PDF to its mails",
            trigger: ".modal div[name=attach_invoice_pdf] input",
            run: "click",
        },
        {
            content: "Make it a postal letter",
            trigger: ".modal div[name=channel] input[data-value=letter]",
            run: "click",
        },
        {
            content: "The letter's text can be written",
            trigger: ".modal div[name=letter_text]",
        },
        {
            content: "Keep the step",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Save the plan",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
