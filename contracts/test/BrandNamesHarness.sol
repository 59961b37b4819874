// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BrandNames} from "../libraries/BrandNames.sol";

/// @dev BrandNames.skeleton, callable: tests/contracts/test_registry_names.py runs it beside luxpass.names.
contract BrandNamesHarness {
    function skeletons(bytes[] calldata texts)
        external
        pure
        returns (bytes32[] memory keys, uint8[] memory faults, uint256[] memory offsets)
    {
        keys = new bytes32[](texts.length);
        faults = new uint8[](texts.length);
        offsets = new uint256[](texts.length);
        for (uint256 i = 0; i < texts.length; i++) {
            BrandNames.Fault fault;
            (keys[i], fault, offsets[i]) = BrandNames.skeleton(string(texts[i]));
            faults[i] = uint8(fault);
        }
    }
}
