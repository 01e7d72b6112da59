import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";

/** The default of the `ipv6Subnet` option (its JSDoc says why). */
export const DEFAULT_IPV6_SUBNET = 64;

/**
 * What a client address counts as in rate limits (the guest creation limit, the log-in
 * throttle, any quota): an IPv4 address as itself, an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, what a dual-stack socket reports) as its IPv4 address, and an IPv6
 * address as its network of `ipv6Subnet` bits in RFC 5952 form (`2001:db8:1:2::/64`; at 128
 * the address itself), without a zone, so `2001:DB8::1` and `2001:db8:0::1` count as one.
 * Text that is no IP address (an odd proxy's value) counts as itself, hashed when long: it
 * never throws.
 *
 * @default ipv6Subnet 64
 * @example
 * ```ts
 * addressKey("::ffff:10.0.0.1"); // "10.0.0.1"
 * addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"); // "2001:db8:1:2::/64"
 * addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 128); // "2001:db8:1:2:aaaa:bbbb:cccc:dddd"
 * ```
 */
export function addressKey(address: string, ipv6Subnet: number = DEFAULT_IPV6_SUBNET): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process(): an IPv4-mapped IPv6 address becomes the IPv4 address.
    parsed = ipaddr.process(address.trim());
  } catch {
    // Text longer than any address (with a zone) is hashed, to keep keys short.
    if (address.length <= 64) return address;
    return `#${createHash("sha256").update(address).digest("hex")}`;
  }
  if (parsed.kind() === "ipv4") return parsed.toString();
  const mask = ipaddr.IPv6.subnetMaskFromPrefixLength(ipv6Subnet).toByteArray();
  const bytes = parsed.toByteArray().map((byte, i) => byte & (mask[i] ?? 0));
  const network = (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
  return ipv6Subnet >= 128 ? network : `${network}/${ipv6Subnet}`;
}
