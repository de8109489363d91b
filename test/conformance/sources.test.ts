// The source conformance suite (source-suite.ts) and each source's own checks, for all ten sources.
// One test file for several connectors: each workerd test file costs seconds of start-up, the suites share it.
import "./shopify.conformance";
import "./square.conformance";
import "./woocommerce.conformance";
import "./lightspeed-retail.conformance";
import "./lightspeed-x-series.conformance";
import "./toast.conformance";
import "./clover.conformance";
import "./revel.conformance";
import "./prestashop.conformance";
import "./magento.conformance";
