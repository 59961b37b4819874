// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The luxpass consortium registry: the root of trust.
/// @notice Member brands govern the registry by vote. A passport is genuine only when its
/// collection is one that this registry created for a member brand. No single key controls
/// membership or accreditation: every change passes a vote of the active members.
interface IConsortiumRegistry {
    enum BrandStatus {
        None,
        Active,
        Suspended,
        Removed
    }

    /// @notice Roles that the council accredits outside the member brands.
    enum Accreditation {
        Reseller,
        Marketplace,
        Auditor
    }

    enum ProposalKind {
        AdmitBrand,
        SuspendBrand,
        ReinstateBrand,
        RemoveBrand,
        Accredit,
        RevokeAccreditation
    }

    enum ProposalState {
        None,
        Open,
        Executed,
        Defeated,
        Expired
    }

    struct Brand {
        string name;
        address council;
        address collection;
        BrandStatus status;
    }

    /// @dev `brandId` is the target brand for status changes, `account` the council of a brand
    /// to admit or the account to accredit; `name` and `symbol` are set for admissions only.
    /// `yes` and `no` count the votes cast; `tally` counts those of members still active, which
    /// are the ones that decide. `defeated` is set by the no vote that defeats it, and is final.
    struct Proposal {
        ProposalKind kind;
        uint256 brandId;
        address account;
        Accreditation accreditation;
        string name;
        string symbol;
        uint256 proposerBrandId;
        uint64 deadline;
        uint32 yes;
        uint32 no;
        bool executed;
        bool defeated;
    }

    event BrandAdmitted(uint256 indexed brandId, string name, address indexed council, address indexed collection);
    event BrandStatusChanged(uint256 indexed brandId, BrandStatus previous, BrandStatus current);
    event AccreditationChanged(address indexed account, Accreditation indexed accreditation, bool accredited);
    event ProposalCreated(
        uint256 indexed proposalId, ProposalKind kind, uint256 indexed proposerBrandId, uint256 brandId, address account
    );
    event VoteCast(uint256 indexed proposalId, uint256 indexed brandId, bool support);
    event ProposalExecuted(uint256 indexed proposalId);
    /// @notice Emitted when a proposal is recorded as defeated: by the no vote after which it
    /// can no longer pass, or, before a change of membership, when it could no longer pass.
    event ProposalDefeated(uint256 indexed proposalId);
    event AuditAttested(address indexed auditor, bytes32 indexed digest, uint256 chainBlock);

    error RegistryNotActiveMember(address account);
    error RegistryUnknownBrand(uint256 brandId);
    error RegistryBrandNotActive(uint256 brandId);
    error RegistryInvalidStatusChange(uint256 brandId, BrandStatus status, ProposalKind kind);
    /// @notice Thrown when a brand name is already a member's name (compared without regard to ASCII case).
    error RegistryBrandNameTaken(string name);
    /// @notice Thrown when a brand symbol is already a member's symbol (compared without regard to ASCII case).
    error RegistryBrandSymbolTaken(string symbol);
    /// @notice Thrown when a brand name has a leading, trailing or double space or a control character.
    error RegistryNameNotNormalised(string name);
    /// @notice Thrown when a brand symbol has a leading, trailing or double space or a control character.
    error RegistrySymbolNotNormalised(string symbol);
    error RegistryCouncilTaken(address council);
    error RegistryInvalidBrand(string name, string symbol, address council);
    error RegistryInvalidAccount(address account);
    error RegistryAccreditationUnchanged(address account, Accreditation accreditation, bool accredited);
    error RegistryUnknownProposal(uint256 proposalId);
    error RegistryProposalClosed(uint256 proposalId, ProposalState state);
    error RegistryAlreadyVoted(uint256 proposalId, uint256 brandId);
    /// @notice Thrown by the constructor when the quorum is below 5000 (a majority) or not below 10_000.
    error RegistryInvalidQuorum(uint16 quorumBps);
    /// @notice Thrown by the constructor when fewer than two founders are given.
    error RegistryTooFewFounders(uint256 founders);
    error RegistryInvalidVotingPeriod(uint64 votingPeriod);
    /// @notice Thrown by the constructor when names, symbols and founders differ in number.
    error RegistryInvalidFounders();
    error RegistryInvalidImplementation(address implementation);
    error RegistryNotAccreditedAuditor(address account);
    /// @notice Thrown when `auditor` already attested `digest`.
    error RegistryAlreadyAttested(address auditor, bytes32 digest);
    /// @notice Thrown when an attestation names a block after the one that includes it (`chainBlock` > `currentBlock`).
    error RegistryAttestedBlockInFuture(uint256 chainBlock, uint256 currentBlock);

    /// @notice Propose to admit a brand whose council (its governance and admin key) is `council`.
    /// The proposer's own vote counts as yes. On execution the registry creates the brand's
    /// passport collection, a clone of `passportImplementation()`, with `council` as its admin.
    function proposeAdmission(string calldata name, string calldata symbol, address council)
        external
        returns (uint256 proposalId);

    /// @notice Propose to suspend, reinstate or remove a brand (`kind` is one of those three).
    function proposeBrandStatus(uint256 brandId, ProposalKind kind) external returns (uint256 proposalId);

    /// @notice Propose to accredit (`grant`) or revoke `accreditation` for `account`.
    function proposeAccreditation(address account, Accreditation accreditation, bool grant)
        external
        returns (uint256 proposalId);

    /// @notice Cast the caller's brand vote. Each active member votes once per proposal. A
    /// proposal executes in the vote that carries it past the quorum: the yes votes of members
    /// still active, times 10_000, greater than `activeMemberCount() * quorumBps()`. It is
    /// defeated, for good, by the no vote after which the other active members can no longer
    /// carry it.
    function vote(uint256 proposalId, bool support) external;

    /// @notice Yes and no votes of the members that are active now.
    function tally(uint256 proposalId) external view returns (uint256 yes, uint256 no);

    function proposal(uint256 proposalId) external view returns (Proposal memory);
    function proposalState(uint256 proposalId) external view returns (ProposalState);
    function proposalCount() external view returns (uint256);
    function hasVoted(uint256 proposalId, uint256 brandId) external view returns (bool);

    function brand(uint256 brandId) external view returns (Brand memory);
    function brandCount() external view returns (uint256);
    function brandStatus(uint256 brandId) external view returns (BrandStatus);
    function brandIdOfCouncil(address council) external view returns (uint256);
    /// @notice The brand whose collection `collection` is; 0 when it is not a genuine collection.
    function brandIdOfCollection(address collection) external view returns (uint256);
    /// @notice True only for collections this registry created. Look-alikes return false.
    function isGenuineCollection(address collection) external view returns (bool);
    function activeMemberCount() external view returns (uint256);
    function isAccredited(address account, Accreditation accreditation) external view returns (bool);

    /// @notice An accredited auditor anchors the digest of an audit report made at `chainBlock`,
    /// a block no later than the one that includes the attestation. Each auditor attests a digest once; another auditor may attest it too.
    function attest(bytes32 digest, uint256 chainBlock) external;

    /// @notice When `auditor` attested `digest`; zero if it did not.
    function attestation(address auditor, bytes32 digest) external view returns (uint64 attestedAt);

    /// @notice The counterfeit case book this registry created.
    function cases() external view returns (address);

    function quorumBps() external view returns (uint16);
    function votingPeriod() external view returns (uint64);
    function passportImplementation() external view returns (address);
}
