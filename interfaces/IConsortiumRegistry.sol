// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The luxpass consortium registry: the root of trust.
/// @notice Member brands govern the registry by vote. A passport is genuine only when its
/// collection is one that this registry created for a member brand. No single key controls
/// membership or accreditation: every change passes a vote of the active members.
interface IConsortiumRegistry {
    /// @notice A brand's membership: None (never admitted), Active, Suspended (no vote, no brand
    /// records; reinstatable), Removed (final).
    enum BrandStatus {
        None,
        Active,
        Suspended,
        Removed
    }

    /// @notice Roles that the council accredits outside the member brands. Repairer, Authority and
    /// Recycler are the ESPR's parties that read a product passport's restricted part.
    enum Accreditation {
        Reseller,
        Marketplace,
        Auditor,
        Repairer,
        Authority,
        Recycler
    }

    /// @notice What a proposal changes when it carries.
    enum ProposalKind {
        AdmitBrand,
        SuspendBrand,
        ReinstateBrand,
        RemoveBrand,
        Accredit,
        RevokeAccreditation,
        ReplaceCouncil,
        AllowRecovery
    }

    /// @notice A proposal's state: None (no such proposal), Open, Executed, Defeated (final: by
    /// votes, or withdrawn when its brand's council changed) or Expired (its voting period ended first).
    enum ProposalState {
        None,
        Open,
        Executed,
        Defeated,
        Expired
    }

    /// @notice A member brand: its name, its council (governance key and collection admin), its
    /// passport collection and its membership.
    struct Brand {
        string name;
        address council;
        address collection;
        BrandStatus status;
    }

    /// @notice A council replacement voted by the other members, waiting for its effective time.
    struct PendingCouncil {
        address council;
        uint64 effectiveAt;
    }

    /// @dev `brandId` is the target brand for status changes and council replacements, `account`
    /// the council of a brand to admit, the account to accredit or the replacing council; `name` and `symbol` are set for admissions only.
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

    /// @notice Emitted when a brand is admitted (by a vote, or as a founder) and its collection created.
    /// @param brandId The new brand's id.
    /// @param name The brand's name.
    /// @param council The brand's council.
    /// @param collection The brand's passport collection.
    event BrandAdmitted(uint256 indexed brandId, string name, address indexed council, address indexed collection);
    /// @notice Emitted when a vote suspends, reinstates or removes a brand.
    /// @param brandId The brand.
    /// @param previous Its membership before.
    /// @param current Its membership after.
    event BrandStatusChanged(uint256 indexed brandId, BrandStatus previous, BrandStatus current);
    /// @notice Emitted when a vote accredits an account or revokes its accreditation.
    /// @param account The account.
    /// @param accreditation The role.
    /// @param accredited Whether the account now holds it.
    event AccreditationChanged(address indexed account, Accreditation indexed accreditation, bool accredited);
    /// @notice Emitted when a member proposes a change.
    /// @param proposalId The new proposal's id.
    /// @param kind What it changes.
    /// @param proposerBrandId The proposing brand.
    /// @param brandId The brand it targets (0 for admissions and accreditations).
    /// @param account The council to admit or the account to accredit (0 for status changes).
    event ProposalCreated(
        uint256 indexed proposalId, ProposalKind kind, uint256 indexed proposerBrandId, uint256 brandId, address account
    );
    /// @notice Emitted for every vote, the proposer's own yes included.
    /// @param proposalId The proposal.
    /// @param brandId The voting brand.
    /// @param support Whether it voted yes.
    event VoteCast(uint256 indexed proposalId, uint256 indexed brandId, bool support);
    /// @notice Emitted when a vote carries a proposal past the quorum and its change is made.
    /// @param proposalId The proposal.
    event ProposalExecuted(uint256 indexed proposalId);
    /// @notice Emitted when a proposal is recorded as defeated: by the no vote after which it
    /// can no longer pass, or, when it could no longer pass, before a change of membership or
    /// when its brand proposes again.
    /// @param proposalId The proposal.
    event ProposalDefeated(uint256 indexed proposalId);
    /// @notice Emitted when an accredited auditor anchors the digest of an audit report.
    /// @param auditor The auditor.
    /// @param digest The report's digest.
    /// @param chainBlock The block the report was made at.
    event AuditAttested(address indexed auditor, bytes32 indexed digest, uint256 chainBlock);
    /// @notice Emitted when a proposal closes because its brand's council changed (rotation or
    /// replacement) while it was open: it reads Defeated from then on.
    /// @param proposalId The proposal.
    /// @param proposerBrandId The brand whose council opened it.
    event ProposalWithdrawn(uint256 indexed proposalId, uint256 indexed proposerBrandId);
    /// @notice Emitted when a brand's vote on an open proposal is withdrawn because the brand's
    /// council changed; the new council may vote on it again.
    /// @param proposalId The proposal.
    /// @param brandId The brand whose vote it was.
    /// @param support Whether the vote was yes.
    event VoteWithdrawn(uint256 indexed proposalId, uint256 indexed brandId, bool support);
    /// @notice Emitted when a brand's council changes, by its own rotation or by a replacement
    /// the other members voted; the collection's admin role moved with it.
    event CouncilRotated(uint256 indexed brandId, address indexed previous, address indexed current);
    /// @notice Emitted when the other members voted to replace a brand's council with `council`,
    /// which takes its seat through `completeCouncilReplacement` from `effectiveAt` on.
    event CouncilReplacementScheduled(uint256 indexed brandId, address indexed council, uint64 effectiveAt);

    /// @notice Thrown when the caller is not the council of an active member brand, and only one may
    /// propose or vote.
    /// @param account The caller.
    error RegistryNotActiveMember(address account);
    /// @notice Thrown when no brand has this id.
    /// @param brandId The id given.
    error RegistryUnknownBrand(uint256 brandId);
    /// @notice Thrown when a status proposal does not fit the brand's membership: suspend needs
    /// Active, reinstate Suspended, remove anything but Removed, and the kind must be one of those three.
    /// @param brandId The brand.
    /// @param status Its membership.
    /// @param kind The change proposed.
    error RegistryInvalidStatusChange(uint256 brandId, BrandStatus status, ProposalKind kind);
    /// @notice Thrown when a brand name looks like an admitted brand's: its skeleton (BrandNames:
    /// case, accents, look-alike letters and digits, spaces and punctuation folded) is the same.
    /// @param name The name given.
    error RegistryBrandNameTaken(string name);
    /// @notice Thrown when a brand symbol looks like an admitted brand's (the same skeleton).
    /// @param symbol The symbol given.
    error RegistryBrandSymbolTaken(string symbol);
    /// @notice Thrown when a brand name holds a character BrandNames does not allow (invisible,
    /// space-like, of another script, or bytes that are no UTF-8), or letters of two of Latin,
    /// Greek and Cyrillic.
    /// @param name The name given.
    /// @param offset The byte offset of the character: for mixed scripts, the first letter of the second.
    error RegistryBrandNameNotAllowed(string name, uint256 offset);
    /// @notice Thrown when a brand symbol holds a character BrandNames does not allow, or letters
    /// of two of Latin, Greek and Cyrillic.
    /// @param symbol The symbol given.
    /// @param offset The byte offset of the character.
    error RegistryBrandSymbolNotAllowed(string symbol, uint256 offset);
    /// @notice Thrown when a brand name has a leading, trailing or double space.
    /// @param name The name given.
    error RegistryNameNotNormalised(string name);
    /// @notice Thrown when a brand symbol has a leading, trailing or double space.
    /// @param symbol The symbol given.
    error RegistrySymbolNotNormalised(string symbol);
    /// @notice Thrown when the council given is already a member brand's council.
    /// @param council The council given.
    error RegistryCouncilTaken(address council);
    /// @notice Thrown when a brand to admit has an empty name or symbol, or a zero council.
    /// @param name The name given.
    /// @param symbol The symbol given.
    /// @param council The council given.
    error RegistryInvalidBrand(string name, string symbol, address council);
    /// @notice Thrown by `proposeAccreditation` when the account is zero.
    /// @param account The account given.
    error RegistryInvalidAccount(address account);
    /// @notice Thrown when an accreditation proposal would change nothing: when proposed, or when
    /// it carries (another proposal made the change first).
    /// @param account The account.
    /// @param accreditation The role.
    /// @param accredited What the proposal would set.
    error RegistryAccreditationUnchanged(address account, Accreditation accreditation, bool accredited);
    /// @notice Thrown when no proposal has this id.
    /// @param proposalId The id given.
    error RegistryUnknownProposal(uint256 proposalId);
    /// @notice Thrown by `vote` when the proposal is no longer open.
    /// @param proposalId The proposal.
    /// @param state Its state.
    error RegistryProposalClosed(uint256 proposalId, ProposalState state);
    /// @notice Thrown by `vote` when the brand already voted on the proposal.
    /// @param proposalId The proposal.
    /// @param brandId The voting brand.
    error RegistryAlreadyVoted(uint256 proposalId, uint256 brandId);
    /// @notice Thrown by the constructor when the quorum is below 5000 (a majority) or not below 10_000.
    /// @param quorumBps The quorum given, in basis points.
    error RegistryInvalidQuorum(uint16 quorumBps);
    /// @notice Thrown by the constructor when fewer than two founders are given.
    /// @param founders The number of founders given.
    error RegistryTooFewFounders(uint256 founders);
    /// @notice Thrown by the constructor when the voting period is zero.
    /// @param votingPeriod The period given, in seconds.
    error RegistryInvalidVotingPeriod(uint64 votingPeriod);
    /// @notice Thrown by the constructor when names, symbols and founders differ in number.
    error RegistryInvalidFounders();
    /// @notice Thrown by the constructor when the passport implementation has no code.
    /// @param implementation The address given.
    error RegistryInvalidImplementation(address implementation);
    /// @notice Thrown by `attest` when the caller is not an accredited auditor.
    /// @param account The caller.
    error RegistryNotAccreditedAuditor(address account);
    /// @notice Thrown by `attest` when `auditor` already attested `digest`.
    /// @param auditor The caller.
    /// @param digest The report's digest.
    error RegistryAlreadyAttested(address auditor, bytes32 digest);
    /// @notice Thrown by `attest` when the attestation names a block after the one that includes it.
    /// @param chainBlock The block named.
    /// @param currentBlock The block that includes the attestation.
    error RegistryAttestedBlockInFuture(uint256 chainBlock, uint256 currentBlock);
    /// @notice Thrown when the brand whose council a replacement would change votes on it, or proposes it.
    error RegistryTargetCannotVote(uint256 proposalId, uint256 brandId);
    /// @notice Thrown when fewer than two active members besides `brandId` could vote to replace its council.
    error RegistryTooFewOtherMembers(uint256 brandId, uint256 others);
    /// @notice Thrown when a council replacement names, or is completed for, a removed brand.
    error RegistryBrandRemoved(uint256 brandId);
    /// @notice Thrown when a council replacement is proposed or carried while the brand's last one
    /// is pending or cooling down, until `until`.
    error RegistryCouncilReplacementHeld(uint256 brandId, uint64 until);
    /// @notice Thrown by `rotateCouncil` while a replacement voted by the other members is pending.
    error RegistryCouncilReplacementPending(uint256 brandId, uint64 effectiveAt);
    /// @notice Thrown by `completeCouncilReplacement` when no replacement is pending for the brand.
    error RegistryNoCouncilReplacement(uint256 brandId);
    /// @notice Thrown by `completeCouncilReplacement` before the replacement's effective time.
    error RegistryCouncilReplacementNotDue(uint256 brandId, uint64 effectiveAt);
    /// @notice Thrown when the proposing brand already has `limit` proposals open (MAX_OPEN_PROPOSALS):
    /// each execution settles every open proposal, so their number is bounded.
    /// @param brandId The proposing brand.
    /// @param limit The most proposals a brand has open at once.
    error RegistryTooManyOpenProposals(uint256 brandId, uint256 limit);

    /// @notice Propose to admit a brand whose council (its governance and admin key) is `council`.
    /// The proposer's own vote counts as yes. On execution the registry creates the brand's
    /// passport collection, a clone of `passportImplementation()`, with `council` as its admin.
    /// @dev Requirements:
    ///
    /// - `name` and `symbol` are not empty and `council` is not zero (RegistryInvalidBrand);
    /// - `name`, then `symbol`: BrandNames' characters (RegistryBrandNameNotAllowed,
    ///   RegistryBrandSymbolNotAllowed) with single inner spaces (RegistryNameNotNormalised,
    ///   RegistrySymbolNotNormalised), a skeleton no admitted brand's name (or symbol) has
    ///   (RegistryBrandNameTaken, RegistryBrandSymbolTaken), letters of one of Latin, Greek and
    ///   Cyrillic (RegistryBrandNameNotAllowed, RegistryBrandSymbolNotAllowed);
    /// - `council` is no member's council (RegistryCouncilTaken);
    /// - the caller is the council of an active member (RegistryNotActiveMember) with fewer
    ///   than MAX_OPEN_PROPOSALS proposals open (RegistryTooManyOpenProposals).
    ///
    /// Emits a {ProposalCreated} and a {VoteCast} event, and those of `vote` if that vote carries it.
    /// @param name The brand's name.
    /// @param symbol The brand's symbol, its collection's ERC-721 symbol.
    /// @param council The brand's council.
    /// @return proposalId The new proposal's id.
    function proposeAdmission(string calldata name, string calldata symbol, address council)
        external
        returns (uint256 proposalId);

    /// @notice Propose to suspend, reinstate or remove a brand (`kind` is one of those three).
    /// @dev Requirements:
    ///
    /// - the brand exists (RegistryUnknownBrand);
    /// - `kind` fits its membership: SuspendBrand an Active brand, ReinstateBrand a Suspended one,
    ///   RemoveBrand one not Removed (RegistryInvalidStatusChange);
    /// - the caller is the council of an active member (RegistryNotActiveMember) with fewer
    ///   than MAX_OPEN_PROPOSALS proposals open (RegistryTooManyOpenProposals).
    ///
    /// Emits a {ProposalCreated} and a {VoteCast} event, and those of `vote` if that vote carries it.
    /// @param brandId The brand.
    /// @param kind SuspendBrand, ReinstateBrand or RemoveBrand.
    /// @return proposalId The new proposal's id.
    function proposeBrandStatus(uint256 brandId, ProposalKind kind) external returns (uint256 proposalId);

    /// @notice Propose to accredit (`grant`) or revoke `accreditation` for `account`.
    /// @dev Requirements:
    ///
    /// - `account` is not zero (RegistryInvalidAccount);
    /// - the proposal changes the account's accreditation (RegistryAccreditationUnchanged);
    /// - the caller is the council of an active member (RegistryNotActiveMember) with fewer
    ///   than MAX_OPEN_PROPOSALS proposals open (RegistryTooManyOpenProposals).
    ///
    /// Emits a {ProposalCreated} and a {VoteCast} event, and those of `vote` if that vote carries it.
    /// @param account The account.
    /// @param accreditation The role.
    /// @param grant True to accredit, false to revoke.
    /// @return proposalId The new proposal's id.
    function proposeAccreditation(address account, Accreditation accreditation, bool grant)
        external
        returns (uint256 proposalId);

    /// @notice Cast the caller's brand vote. Each active member votes once per proposal. A
    /// proposal executes in the vote that carries it past the quorum: the yes votes of members
    /// still active, times 10_000, greater than `activeMemberCount() * quorumBps()`. It is
    /// defeated, for good, by the no vote after which the other active members can no longer
    /// carry it.
    /// @dev Requirements:
    ///
    /// - the caller is the council of an active member (RegistryNotActiveMember);
    /// - the proposal exists (RegistryUnknownProposal) and is open (RegistryProposalClosed);
    /// - the brand has not voted on it (RegistryAlreadyVoted);
    /// - when the vote carries it, its change is still valid: the rules of the proposing function
    ///   (e.g. RegistryBrandNameTaken, RegistryAccreditationUnchanged, RegistryInvalidStatusChange).
    ///
    /// Emits a {VoteCast} event; a {ProposalDefeated} event when a no vote defeats it; when a yes
    /// vote carries it, a {ProposalDefeated} event for every open proposal that can no longer pass,
    /// the change's event ({BrandAdmitted}, {BrandStatusChanged} or {AccreditationChanged}) and a
    /// {ProposalExecuted} event.
    /// @param proposalId The proposal.
    /// @param support True for yes.
    function vote(uint256 proposalId, bool support) external;

    /// @notice The caller, an active brand's council, hands its seat to `newCouncil`: the brand's
    /// vote here and the admin role of its collection, in this one transaction.
    /// The brand's open proposals close and its votes on open proposals are withdrawn (what a key
    /// did here ends with its seat).
    /// @dev Requirements: the caller is the council of an active brand; no replacement is pending for
    /// it; `newCouncil` is not zero, not a council and never was one. Emits {CouncilRotated}, a
    /// {ProposalDefeated} for each open proposal that could no longer pass, a {ProposalWithdrawn}
    /// per open proposal of the brand and a {VoteWithdrawn} per vote of the brand on an open proposal.
    /// @param newCouncil The brand's new council (an account or a Safe).
    function rotateCouncil(address newCouncil) external;

    /// @notice Propose to replace the council of brand `brandId` (lost or compromised) with
    /// `newCouncil`. Only the other active members vote on it; it carries with the quorum of them
    /// and at least two yes votes, and takes effect `COUNCIL_REPLACEMENT_DELAY` after that.
    /// @dev Requirements: the caller is the council of an active brand other than `brandId`, with
    /// fewer than MAX_OPEN_PROPOSALS proposals open (RegistryTooManyOpenProposals); the
    /// brand is not removed; at least two other members are active; no replacement of it is
    /// pending or cooling down; `newCouncil` as in {rotateCouncil}. Emits {ProposalCreated};
    /// when carried, {CouncilReplacementScheduled}.
    /// @param brandId The brand whose council is replaced (active or suspended).
    /// @param newCouncil The council that takes its seat.
    /// @return proposalId The new proposal.
    function proposeCouncilReplacement(uint256 brandId, address newCouncil) external returns (uint256 proposalId);

    /// @notice Propose to let brand `brandId` request recoveries of `owner`'s passports although
    /// she cancelled one (or is a contract): for an owner who proved she held her key and lost it
    /// since, a vote that the brand's key alone (or its thief) cannot cause. Only the other active
    /// members vote, as on a council replacement (quorum of them, at least two yes); on execution
    /// the brand's collection holds `allowRecovery(owner)` until her next cancel.
    /// @dev Requirements: the brand exists (RegistryUnknownBrand) and is not removed
    /// (RegistryBrandRemoved); `owner` is not zero (RegistryInvalidAccount); at least two other
    /// members are active (RegistryTooFewOtherMembers); the caller is the council of an active
    /// brand other than `brandId` (RegistryNotActiveMember, RegistryTargetCannotVote) with fewer than
    /// MAX_OPEN_PROPOSALS open. Emits {ProposalCreated} and {VoteCast}; when carried, the
    /// collection's {RecoveryAllowed}.
    /// @param brandId The brand whose collection may request again.
    /// @param owner The owner.
    /// @return proposalId The new proposal.
    function proposeRecoveryAllowance(uint256 brandId, address owner) external returns (uint256 proposalId);

    /// @notice Anyone seats the council that the members voted for `brandId`, once its effective
    /// time came; the old council loses the brand's vote and its collection's admin role, its
    /// open proposals close and its votes on open proposals are withdrawn, as in {rotateCouncil}.
    /// @dev Requirements: a replacement is pending and due; the brand is not removed. Emits
    /// {CouncilRotated} and the events of the closing, as {rotateCouncil}.
    /// @param brandId The brand whose council is replaced.
    function completeCouncilReplacement(uint256 brandId) external;

    /// @notice The council replacement waiting for `brandId`; zero fields when none is.
    function pendingCouncil(uint256 brandId) external view returns (PendingCouncil memory);

    /// @notice Until when no new replacement of `brandId`'s council can be proposed or carried
    /// (the pending one's effective time plus the cooldown); zero when never replaced.
    function councilReplacementHeldUntil(uint256 brandId) external view returns (uint64);

    /// @notice Yes and no votes of the members that are active now.
    /// @dev Requirements: the proposal exists (RegistryUnknownProposal).
    /// @param proposalId The proposal.
    /// @return yes The yes votes of active members.
    /// @return no The no votes of active members.
    function tally(uint256 proposalId) external view returns (uint256 yes, uint256 no);

    /// @notice A proposal as recorded.
    /// @dev Requirements: the proposal exists (RegistryUnknownProposal).
    /// @param proposalId The proposal.
    /// @return The proposal.
    function proposal(uint256 proposalId) external view returns (Proposal memory);
    /// @notice A proposal's state now; None for an id that names no proposal.
    /// @param proposalId The proposal.
    /// @return The state.
    function proposalState(uint256 proposalId) external view returns (ProposalState);
    /// @notice The number of proposals made; ids run from 1 to it.
    /// @return The count.
    function proposalCount() external view returns (uint256);
    /// @notice Whether a brand voted on a proposal.
    /// @param proposalId The proposal.
    /// @param brandId The brand.
    /// @return True once it voted.
    function hasVoted(uint256 proposalId, uint256 brandId) external view returns (bool);

    /// @notice A brand as recorded.
    /// @dev Requirements: the brand exists (RegistryUnknownBrand).
    /// @param brandId The brand.
    /// @return The brand.
    function brand(uint256 brandId) external view returns (Brand memory);
    /// @notice The number of brands ever admitted; ids run from 1 to it.
    /// @return The count.
    function brandCount() external view returns (uint256);
    /// @notice A brand's membership; None for an id that names no brand.
    /// @param brandId The brand.
    /// @return Its membership.
    function brandStatus(uint256 brandId) external view returns (BrandStatus);
    /// @notice The brand whose council `council` is.
    /// @param council The account.
    /// @return The brand's id; 0 when it is no brand's council.
    function brandIdOfCouncil(address council) external view returns (uint256);
    /// @notice The brand whose collection `collection` is.
    /// @param collection The collection.
    /// @return The brand's id; 0 when it is not a genuine collection.
    function brandIdOfCollection(address collection) external view returns (uint256);
    /// @notice True only for collections this registry created. Look-alikes return false.
    /// @param collection The collection.
    /// @return Whether this registry created it.
    function isGenuineCollection(address collection) external view returns (bool);
    /// @notice The number of Active member brands, the base of the quorum.
    /// @return The count.
    function activeMemberCount() external view returns (uint256);
    /// @notice Whether `account` holds `accreditation`.
    /// @param account The account.
    /// @param accreditation The role.
    /// @return True while accredited.
    function isAccredited(address account, Accreditation accreditation) external view returns (bool);

    /// @notice An accredited auditor anchors the digest of an audit report made at `chainBlock`,
    /// a block no later than the one that includes the attestation. Each auditor attests a digest
    /// once; another auditor may attest it too.
    /// @dev Requirements:
    ///
    /// - the caller is an accredited auditor (RegistryNotAccreditedAuditor);
    /// - `chainBlock` is not after the current block (RegistryAttestedBlockInFuture);
    /// - the caller has not attested `digest` (RegistryAlreadyAttested).
    ///
    /// Emits an {AuditAttested} event.
    /// @param digest The report's digest.
    /// @param chainBlock The block the report was made at.
    function attest(bytes32 digest, uint256 chainBlock) external;

    /// @notice When `auditor` attested `digest`.
    /// @param auditor The auditor.
    /// @param digest The report's digest.
    /// @return attestedAt The block timestamp of the attestation; zero if it did not attest it.
    function attestation(address auditor, bytes32 digest) external view returns (uint64 attestedAt);

    /// @notice The counterfeit case book this registry created.
    /// @return The CounterfeitCases contract.
    function cases() external view returns (address);

    /// @notice The share of active members, in basis points, that yes votes must exceed.
    /// @return The quorum, from 5000 to 9999.
    function quorumBps() external view returns (uint16);
    /// @notice How long a proposal stays open.
    /// @return The voting period, in seconds.
    function votingPeriod() external view returns (uint64);
    /// @notice The BrandPassport implementation every collection is a clone of.
    /// @return Its address.
    function passportImplementation() external view returns (address);
}
