// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @notice Test double, never deployed by the tooling: accepts ERC-721 tokens after burning gas
/// (`rounds` fresh storage writes), as a recipient that makes whoever pays for the transfer pay more.
contract GasBurnerMock is IERC721Receiver {
    uint256 public immutable rounds;
    uint256 private _received;
    mapping(uint256 => uint256) private _scratch;

    constructor(uint256 rounds_) {
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
}
