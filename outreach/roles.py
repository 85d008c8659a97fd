"""This app's rows of the role table: funds, the aid ledger and the programs.

财务 (fund keeper) records receipts and allocations and confirms payments and reversals; the
center admin sets up funds, campaigns and caps; data-entry staff record aid (deliveries) in their
subtree; a leader reads. Codenames only: network.permissions adds this app's label.
"""

from network.models import Role

VIEW = {"view_fund", "view_ledgerentry", "view_aidrecord", "view_campaign", "view_fundsource", "view_programcap"}
RECORD_AID = {"add_aidrecord"}
KEEP_FUNDS = {"add_ledgerentry", "pay_aidrecord"}
SET_UP = {"add_fund", "change_fund", "add_campaign", "change_campaign", "add_fundsource", "change_programcap"}

# pairing (结对帮扶): everyone reads; clerks log visits; the admin keeps the cadres and the pairs
PAIRING_VIEW = {"view_cadre", "view_pairing", "view_pairingvisit"}
PAIRING_VISIT = {"add_pairingvisit"}
PAIRING_MANAGE = {"add_cadre", "change_cadre", "add_pairing", "change_pairing"}

# return visits (回访) after aid: everyone reads; those who record aid log them
RETURN_VIEW = {"view_returnvisit"}
RETURN_LOG = {"add_returnvisit"}

ROLE_PERMISSIONS = {
    Role.DATA_ENTRY: VIEW | RECORD_AID | PAIRING_VIEW | PAIRING_VISIT | RETURN_VIEW | RETURN_LOG,
    Role.REVIEWER: VIEW | RECORD_AID | PAIRING_VIEW | PAIRING_VISIT | RETURN_VIEW | RETURN_LOG,
    Role.CENTER_ADMIN: VIEW | RECORD_AID | SET_UP | PAIRING_VIEW | PAIRING_VISIT | PAIRING_MANAGE | RETURN_VIEW
    | RETURN_LOG,
    Role.FINANCE: VIEW | KEEP_FUNDS | PAIRING_VIEW | RETURN_VIEW,
    Role.LEADER: VIEW | PAIRING_VIEW | RETURN_VIEW,
}
