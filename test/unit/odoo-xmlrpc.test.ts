// The connector's XML-RPC codec: the spec's own examples decode, and it agrees with the simulator's independent codec.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMethodResponse, encodeMethodCall, type XmlRpcValue } from "../../workers/connectors/destinations/odoo/xmlrpc";
import { fault, methodResponse, parseMethodCall } from "../../workers/sandbox/simulators/odoo/xmlrpc";
import { MULTILINGUAL_NAMES } from "../helpers/orders";

// Examples from the XML-RPC specification (https://xmlrpc.com/spec.md), indentation as published.
const SPEC_RESPONSE = `<?xml version="1.0"?>
<methodResponse>
   <params>
      <param>
         <value><string>South Dakota</string></value>
         </param>
      </params>
   </methodResponse>`;

const SPEC_FAULT = `<?xml version="1.0"?>
<methodResponse>
   <fault>
      <value>
         <struct>
            <member>
               <name>faultCode</name>
               <value><int>4</int></value>
               </member>
            <member>
               <name>faultString</name>
               <value><string>Too many parameters.</string></value>
               </member>
            </struct>
         </value>
      </fault>
   </methodResponse>`;

const SPEC_STRUCT = `<?xml version="1.0"?>
<methodResponse><params><param><value><struct>
   <member><name>lowerBound</name><value><i4>18</i4></value></member>
   <member><name>upperBound</name><value><i4>139</i4></value></member>
   <member><name>note</name><value>untyped &amp; plain</value></member>
   <member><name>list</name><value><array><data>
      <value><i4>12</i4></value>
      <value><string>Egypt</string></value>
      <value><boolean>0</boolean></value>
      <value><i4>-31</i4></value>
      <value><double>-12.214</double></value>
   </data></array></value></member>
</struct></value></param></params></methodResponse>`;

describe("Odoo XML-RPC codec", () => {
  it("decodes the specification's response, fault and struct/array examples", () => {
    expect(decodeMethodResponse(SPEC_RESPONSE)).toEqual({ ok: true, value: "South Dakota" });
    expect(decodeMethodResponse(SPEC_FAULT)).toEqual({ ok: false, fault: { faultCode: 4, faultString: "Too many parameters." } });
    expect(decodeMethodResponse(SPEC_STRUCT)).toEqual({ ok: true, value: { lowerBound: 18, upperBound: 139, note: "untyped & plain", list: [12, "Egypt", false, -31, -12.214] } });
  });

  it("encodes a call the simulator reads back exactly, for any value (names in any script, nil, nesting)", () => {
    const leaf = fc.oneof(
      fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((d) => !Number.isInteger(d)),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...MULTILINGUAL_NAMES, "a & b < c > d", "", "  spaced  "),
      fc.string(),
    );
    const value: fc.Arbitrary<XmlRpcValue> = fc.letrec<{ v: XmlRpcValue }>((tie) => ({
      v: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie("v"), { maxKeys: 4 })),
    })).v;
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), (params) => {
        const parsed = parseMethodCall(encodeMethodCall("execute_kw", params));
        expect(parsed.method).toBe("execute_kw");
        expect(parsed.params).toEqual(params);
      }),
      { numRuns: 200 },
    );
  });

  it("decodes whatever the simulator answers as Python's xmlrpc.client writes it, faults included", () => {
    const sample: XmlRpcValue = { id: 42, name: "ብርብሬ ቅመም", amount_total: 12.5, order_line: [1, 2], partner_id: [7, "Walk-in"], note: null, active: true };
    expect(decodeMethodResponse(methodResponse(sample))).toEqual({ ok: true, value: sample });
    expect(decodeMethodResponse(fault(2, "You can not remove an order line once the sales order is confirmed."))).toEqual({
      ok: false,
      fault: { faultCode: 2, faultString: "You can not remove an order line once the sales order is confirmed." },
    });
  });
});
