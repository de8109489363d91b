// The destination conformance suite (destination-suite.ts) and each system's own checks: the seven ERP and CRM destinations.
// One test file for several connectors: each workerd test file costs seconds of start-up, the suites share it.
import "./netsuite.conformance";
import "./sap-business-one.conformance";
import "./sap-s4hana.conformance";
import "./dynamics-365-finance.conformance";
import "./dynamics-365-business-central.conformance";
import "./odoo.conformance";
import "./salesforce.conformance";
