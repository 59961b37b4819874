// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test double, never deployed by the tooling: a contract wallet of `owner` (ERC-1271: her
/// ECDSA signatures are its own) that accepts ERC-721 tokens after burning gas (`rounds` fresh
/// storage writes), so that whoever pays for a transfer to it pays more.
contract GasBurnerMock is IERC721Receiver, IERC1271 {
    address public immutable owner;
    uint256 public immutable rounds;
    uint256 private _received;
    mapping(uint256 => uint256) private _scratch;

    constructor(address owner_, uint256 rounds_) {
        owner = owner_;
        rounds = rounds_;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        uint256 base = _received;
        for (uint256 i = 0; i < rounds; i++) {
            _scratch[base + i] = i + 1;
        }
        _received = base + rounds;
        return this.onERC721Received.selector;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecover(hash, signature);
        return failure == ECDSA.RecoverError.NoError && signer == owner ? this.isValidSignature.selector : bytes4(0);
    }
}
