// What the owner pages read from the chain (through the connected wallet's provider) and the
// typed data they ask the wallet to sign. The ABIs and the EIP-712 types come from the server's
// page config, which takes them from the packaged contracts and luxpass.spec: never written twice.
import {
  createPublicClient, custom, encodeAbiParameters, getAddress, isAddress, keccak256, parseAbi, zeroAddress,
} from "viem";

const RECEIVER_ABI = parseAbi(["function onERC721Received(address,address,uint256,bytes) returns (bytes4)"]);
const RECEIVED = "0x150b7a02";  // IERC721Receiver.onERC721Received.selector

export class PassportOnChain {
  constructor(config, provider) {
    this.config = config;
    this.collection = getAddress(config.collection);
    this.tokenId = BigInt(config.passportId);
    this.client = createPublicClient({ transport: custom(provider) });
  }

  read(functionName, args, address = this.collection, abi = this.config.abi.passport) {
    return this.client.readContract({ address, abi, functionName, args });
  }

  async state() {
    const [owner, stored, nonce, recovery, chip, chipClaimOpen] = await Promise.all([
      this.read("ownerOf", [this.tokenId]), this.read("passport", [this.tokenId]), this.read("nonces", [this.tokenId]),
      this.read("recoveryOf", [this.tokenId]), this.read("chipOf", [this.tokenId]),
      this.read("chipClaimOpen", [this.tokenId]),
    ]);
    return {
      owner: getAddress(owner), status: Number(stored.status), reporter: getAddress(stored.statusReporter),
      nonce, recoveryTo: recovery.readyAt ? getAddress(recovery.newOwner) : null,
      recoveryReadyAt: Number(recovery.readyAt), chip: chip === zeroAddress ? null : chip, chipClaimOpen,
    };
  }

  async chainTime() {
    return Number((await this.client.getBlock({ blockTag: "latest" })).timestamp);
  }

  /** A contract's EIP-712 domain as it reports it (ERC-5267), with its EIP712Domain type. */
  async domainOf(address) {
    const [fields, name, version, chainId, verifyingContract, salt] = await this.read("eip712Domain", [], address);
    const values = { name, version, chainId: Number(chainId), verifyingContract, salt };
    const bits = Number(BigInt(fields));
    const used = this.config.domainFields.filter((field, i) => (bits >> i) & 1);
    return { types: used, domain: Object.fromEntries(used.map((field) => [field.name, values[field.name]])) };
  }

  isAccreditedReseller(account) {
    return this.read("isAccredited", [account, this.config.resellerAccreditation], this.config.registry,
                     this.config.abi.registry);
  }

  /**
   * The seller's resale consent, the same typed data `luxpass consent sign` signs (onchain/consent.py):
   * only a salted hash of the terms is signed, and the file keeps the terms and the salt for the reseller.
   */
  async resaleConsent({ reseller, buyer, terms, deadline, nonce }) {
    const salt = "0x" + Array.from(crypto.getRandomValues(new Uint8Array(32)),
                                   (b) => b.toString(16).padStart(2, "0")).join("");
    const termsHash = keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "string" }], [salt, terms]));
    const { types, domain } = await this.domainOf(this.collection);
    const message = {
      chainId: String(this.config.chainId), collection: this.collection, tokenId: this.tokenId.toString(),
      reseller: getAddress(reseller), buyer: buyer ? getAddress(buyer) : zeroAddress, termsHash,
      nonce: nonce.toString(), deadline: String(deadline),
    };
    const typedData = { types: { EIP712Domain: types, ResaleConsent: this.config.consentType },
                        primaryType: "ResaleConsent", domain, message };
    return { typedData, salt };
  }

  /**
   * Why `to` cannot receive the passport from `owner`, or null when it can: an EOA, or a contract
   * that answers onERC721Received as the passport's safe transfer requires.
   */
  async refusal(to, owner) {
    if (!isAddress(to, { strict: false })) return "not-an-address";
    const recipient = getAddress(to);
    if (recipient === zeroAddress) return "zero-address";
    if (recipient === owner) return "same-owner";
    const code = await this.client.getCode({ address: recipient });
    if (!code || code === "0x") return null;
    try {
      const answer = await this.client.readContract({
        address: recipient, abi: RECEIVER_ABI, functionName: "onERC721Received",
        args: [owner, owner, this.tokenId, "0x"], account: this.collection,  // ERC-2771: the operator is the owner
      });
      return answer.toLowerCase() === RECEIVED ? null : "cannot-hold";
    } catch (error) {
      return "cannot-hold";
    }
  }
}
