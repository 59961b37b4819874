// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IBrandPassport} from "../interfaces/IBrandPassport.sol";
import {IERC4494} from "../interfaces/IERC4494.sol";

/// @title LuxpassForwarder
/// @notice The consortium's one forwarder of owners' signed requests (ERC-2771): an owner signs a
/// `ForwardRequest` (EIP-712, domain "luxpass forwarder", version "1") and anyone submits it,
/// paying its gas. Every BrandPassport trusts this forwarder: it is fixed in the implementation's
/// code, which all collections share.
///
/// Invariants:
/// - it relays only an owner's action on one passport: `reportStatus`, `reportFound`,
///   `cancelRecovery`, `revokeSignatures`, `setChipClaim`, `transferFrom` and
///   `safeTransferFrom(address,address,uint256)`, each with its exact length (no role holder's
///   action, no approval, is ever relayed);
/// - a request names, in the 32 bytes after its call, the passport's nonce it was signed at, and
///   is executed only while the passport's nonce is still that one: a request signed before the
///   passport last moved, before it was reported, or before its owner revoked signatures, is
///   dead, whatever its deadline and its signer's forwarder nonce;
/// - the rest is OpenZeppelin's ERC2771Forwarder unchanged: the signer's sequential nonce, the
///   deadline, the request's gas, a target that does not trust this forwarder refused. Whether
///   the signer may act, the passport decides, when the request executes.
contract LuxpassForwarder is ERC2771Forwarder {
    /// @notice Thrown when a request's call is not an owner's action on one passport, or not of its exact length.
    /// @param selector The call's first four bytes.
    error LuxpassForwarderNotOwnerAction(bytes4 selector);
    /// @notice Thrown when a request names another passport nonce than the current one.
    /// @param tokenId The passport the call acts on.
    /// @param namedNonce The nonce the request names.
    /// @param currentNonce The passport's nonce now.
    error LuxpassForwarderStaleRequest(uint256 tokenId, uint256 namedNonce, uint256 currentNonce);

    constructor() ERC2771Forwarder("luxpass forwarder") {}

    /// @notice The passport an owner's request acts on and the passport nonce it names.
    /// @dev Reverts with LuxpassForwarderNotOwnerAction for any other call.
    /// @param data The request's `data`: the call, then the 32-byte passport nonce.
    /// @return tokenId The passport.
    /// @return namedNonce The nonce the request names.
    function ownerAction(bytes calldata data) public pure returns (uint256 tokenId, uint256 namedNonce) {
        if (data.length < 4) revert LuxpassForwarderNotOwnerAction(bytes4(0));
        bytes4 selector = bytes4(data[:4]);
        uint256 arguments = 0; // none: not an owner's action
        uint256 tokenIdAt = 0;
        if (
            selector == IBrandPassport.reportFound.selector || selector == IBrandPassport.cancelRecovery.selector
                || selector == IBrandPassport.revokeSignatures.selector
        ) {
            arguments = 1;
        } else if (selector == IBrandPassport.reportStatus.selector || selector == IBrandPassport.setChipClaim.selector) {
            arguments = 2;
        } else if (
            selector == IERC721.transferFrom.selector
                || selector == bytes4(keccak256("safeTransferFrom(address,address,uint256)"))
        ) {
            (arguments, tokenIdAt) = (3, 2);
        }
        if (arguments == 0 || data.length != 4 + 32 * (arguments + 1)) revert LuxpassForwarderNotOwnerAction(selector);
        tokenId = uint256(bytes32(data[4 + 32 * tokenIdAt:36 + 32 * tokenIdAt]));
        namedNonce = uint256(bytes32(data[data.length - 32:]));
    }

    /// @dev Refuses, before OpenZeppelin's checks, a call that is not an owner's action or names a
    /// stale passport nonce; in a batch too, whatever `requireValidRequest` says.
    function _execute(ForwardRequestData calldata request, bool requireValidRequest)
        internal
        override
        returns (bool success)
    {
        (uint256 tokenId, uint256 namedNonce) = ownerAction(request.data);
        uint256 currentNonce = IERC4494(request.to).nonces(tokenId);
        if (namedNonce != currentNonce) revert LuxpassForwarderStaleRequest(tokenId, namedNonce, currentNonce);
        return super._execute(request, requireValidRequest);
    }
}
