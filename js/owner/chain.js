// What the owner pages read from the chain, through the connected wallet's provider. The ABIs come
// from the server's page config, which takes them from the packaged contracts: never written twice.
import { createPublicClient, custom, getAddress, isAddress, parseAbi, zeroAddress } from "viem";

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
    const [owner, stored, recovery, chip, chipClaimOpen] = await Promise.all([
      this.read("ownerOf", [this.tokenId]), this.read("passport", [this.tokenId]),
      this.read("recoveryOf", [this.tokenId]), this.read("chipOf", [this.tokenId]),
      this.read("chipClaimOpen", [this.tokenId]),
    ]);
    return {
      owner: getAddress(owner), status: Number(stored.status), // a Lost (1) or Stolen (2) report is always its owner's
      reporter: [1, 2].includes(Number(stored.status)) ? getAddress(owner) : null,
      recoveryTo: recovery.readyAt ? getAddress(recovery.newOwner) : null,
      recoveryReadyAt: Number(recovery.readyAt), chip: chip === zeroAddress ? null : chip, chipClaimOpen,
    };
  }

  isAccreditedReseller(account) {
    return this.read("isAccredited", [account, this.config.resellerAccreditation], this.config.registry,
                     this.config.abi.registry);
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
