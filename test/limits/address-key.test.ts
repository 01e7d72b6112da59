import { describe, expect, it } from "vitest";
import { addressKey } from "../../src/limits/address-key.ts";

describe("addressKey", () => {
  it("counts an IPv4-mapped IPv6 address as its IPv4 address, in either spelling", () => {
    expect(addressKey("10.0.0.1")).toBe("10.0.0.1");
    expect(addressKey("::ffff:10.0.0.1")).toBe("10.0.0.1");
    expect(addressKey("::FFFF:0a00:0001")).toBe("10.0.0.1");
  });

  it("counts IPv6 by its /64, in one canonical spelling, without a zone", () => {
    const key = "2001:db8:1:2::/64";
    expect(addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe(key);
    expect(addressKey("2001:DB8:1:2::1")).toBe(key);
    expect(addressKey("2001:0db8:0001:0002:0000:0000:0000:0009")).toBe(key);
    expect(addressKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80::/64");
  });

  it("takes the prefix length: 128 is each address, 48 a site", () => {
    expect(addressKey("2001:db8:1:2::1", 128)).toBe("2001:db8:1:2::1");
    expect(addressKey("2001:DB8:1:2:0:0:0:1", 128)).toBe("2001:db8:1:2::1");
    expect(addressKey("2001:db8:1:2::1", 48)).toBe("2001:db8:1::/48");
    expect(addressKey("2001:db8:1:ffff::1", 56)).toBe("2001:db8:1:ff00::/56");
    // The prefix never changes how IPv4 counts.
    expect(addressKey("::ffff:10.0.0.1", 48)).toBe("10.0.0.1");
  });

  it("counts text that is no address as itself (hashed when long), never throwing", () => {
    expect(addressKey("unknown")).toBe("unknown");
    expect(addressKey("")).toBe("");
    expect(addressKey("2001:db8::/64 junk")).toBe("2001:db8::/64 junk");
    expect(addressKey("x".repeat(5000))).toMatch(/^#[0-9a-f]{64}$/);
    expect(addressKey("x".repeat(5000))).not.toBe(addressKey("y".repeat(5000)));
  });
});
