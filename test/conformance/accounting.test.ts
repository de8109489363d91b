// The destination conformance suite (destination-suite.ts) and each system's own checks: the four accounting destinations.
// One test file for several connectors: each workerd test file costs seconds of start-up, the suites share it.
import "./quickbooks-online.conformance";
import "./xero.conformance";
import "./zoho-books.conformance";
import "./sage-intacct.conformance";
