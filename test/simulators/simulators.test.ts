// The simulators' own behaviour (vendor auth, pagination, schemas, signed webhooks), checked against the running sandbox.
// One test file for all of them: each workerd test file costs seconds of start-up.
import "./clover-simulator.sim";
import "./dynamics-365-business-central-simulator.sim";
import "./lightspeed-retail-normalize.sim";
import "./shopify-inventory.sim";
import "./shopify-simulator.sim";
import "./square-schemas.sim";
import "./square-simulator.sim";
import "./quickbooks-simulator.sim";
import "./xero-simulator.sim";
