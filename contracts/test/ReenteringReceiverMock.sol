// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @dev A recipient that, on receiving a passport, sends the call it was armed with (e.g. the
/// same consent again) and passes on its revert: tests that nothing re-entered works twice.
contract ReenteringReceiverMock is IERC721Receiver {
    address private _target;
    bytes private _call;

    function arm(address target, bytes calldata call) external {
        _target = target;
        _call = call;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        (bool ok, bytes memory result) = _target.call(_call);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        return this.onERC721Received.selector;
    }
}
