//! Names of AutoGPT blocks by id, so that a refused import can name the blocks it lacks.

/// `(block id, AutoGPT class name)` for the blocks seen in real exports and the common built-ins.
pub const AUTOGPT_BLOCKS: &[(&str, &str)] = &[
    ("553ec5b8-6c45-4299-8d75-b394d05f72ff", "AIConditionBlock"),
    (
        "32a87eab-381e-4dd4-bdb8-4c47151be35a",
        "AIConversationBlock",
    ),
    (
        "9c0b0450-d199-458b-a731-072189dd6593",
        "AIListGeneratorBlock",
    ),
    (
        "ed55ac19-356e-4243-a6cb-bc599e9b716f",
        "AIStructuredResponseGeneratorBlock",
    ),
    (
        "1f292d4a-41a4-4977-9684-7c8d560b9f91",
        "AITextGeneratorBlock",
    ),
    (
        "a0a69be1-4528-491c-a85a-a4ab6873e3f0",
        "AITextSummarizerBlock",
    ),
    (
        "31d1064e-7446-4693-a7d4-65e5ca1180d1",
        "AddToDictionaryBlock",
    ),
    ("aeb08fc1-2fc1-4141-bc8e-f758f183a822", "AddToListBlock"),
    (
        "7e198b09-4994-47db-8b4d-952d98241817",
        "AgentDateInputBlock",
    ),
    (
        "655d6fdf-a334-421c-b733-520549c07cd1",
        "AgentDropdownInputBlock",
    ),
    ("e189baac-8c20-45a1-94a7-55177ea42565", "AgentExecutorBlock"),
    (
        "95ead23f-8283-4654-aef3-10c053b74a31",
        "AgentFileInputBlock",
    ),
    (
        "d3b32f15-6fd7-40e3-be52-e083f51b19a2",
        "AgentGoogleDriveFileInputBlock",
    ),
    ("c0a8e994-ebf1-4a9c-a4d8-89d09c86741b", "AgentInputBlock"),
    (
        "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba",
        "AgentLongTextInputBlock",
    ),
    (
        "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98",
        "AgentNumberInputBlock",
    ),
    ("363ae599-353e-4804-937e-b2ee3cef3da4", "AgentOutputBlock"),
    (
        "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158",
        "AgentShortTextInputBlock",
    ),
    (
        "5603b273-f41e-4020-af7d-fbc9c6a8d928",
        "AgentTableInputBlock",
    ),
    (
        "2a1c757e-86cf-4c7e-aacf-060dc382e434",
        "AgentTimeInputBlock",
    ),
    (
        "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e",
        "AgentToggleInputBlock",
    ),
    (
        "f59b88a8-54ce-4676-a508-fd614b4e8dce",
        "AirtableCreateBaseBlock",
    ),
    (
        "42527e98-47b6-44ce-ac0e-86b4883721d3",
        "AirtableCreateRecordsBlock",
    ),
    ("b1ab9b19-67a6-406d-abf5-2dba76d00c79", "CalculatorBlock"),
    (
        "d3a7d896-3b78-4f44-8b4b-48fbf4f0bcd8",
        "CodeExtractionBlock",
    ),
    ("e30a4d42-7b7d-4e6a-b36e-1f9b8e3b7d85", "CombineTextsBlock"),
    (
        "3cf9298b-5817-4141-9d80-7c2cc5199c8e",
        "ConcatenateListsBlock",
    ),
    ("715696a0-e1da-45c8-b209-c2fa9c3b0be6", "ConditionBlock"),
    ("3c9c2f42-b0c3-435f-ba35-05f7a25c772a", "CountItemsBlock"),
    (
        "d67a9c52-5e4e-11e2-bcfd-0800200c9a71",
        "CountdownTimerBlock",
    ),
    (
        "b924ddf4-de4f-4b56-9a85-358930dcbc91",
        "CreateDictionaryBlock",
    ),
    ("a912d5c7-6e00-4542-b2a9-8034136930e4", "CreateListBlock"),
    ("4a448883-71fa-49cf-91cf-70d793bd7d87", "DataSamplingBlock"),
    (
        "a3cf3f64-6bb9-4cc6-9900-608a0b3359b0",
        "DictionaryIsEmptyBlock",
    ),
    ("0b02b072-abe7-11ef-8372-fb5d162dd712", "ExecuteCodeBlock"),
    (
        "82b59b8e-ea10-4d57-9161-8b169b0adba6",
        "ExecuteCodeStepBlock",
    ),
    (
        "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0",
        "ExtractTextInformationBlock",
    ),
    (
        "436c3984-57fd-4b85-8e9a-459b356883bd",
        "ExtractWebsiteContentBlock",
    ),
    ("3735a31f-7e18-4aca-9e90-08a7120674bc", "FileReadBlock"),
    ("cbb50872-625b-42f0-8203-a2ae78242d8a", "FileStoreBlock"),
    (
        "db7d8f02-2f44-4c55-ab7a-eae0941f0c30",
        "FillTextTemplateBlock",
    ),
    (
        "0e50422c-6dee-4145-83d6-3a5a392f65de",
        "FindInDictionaryBlock",
    ),
    ("5e2c6d0a-1e37-489f-b1d0-8e1812b23333", "FindInListBlock"),
    (
        "bdbbaba0-03b7-4971-970e-699e2de6015e",
        "FirecrawlCrawlBlock",
    ),
    (
        "d1774756-4d9e-40e6-bab1-47ec0ccd81b2",
        "FirecrawlExtractBlock",
    ),
    (
        "f0f43e2b-c943-48a0-a7f1-40136ca4d3b9",
        "FirecrawlMapWebsiteBlock",
    ),
    (
        "716a67b3-6760-42e7-86dc-18645c6e00fc",
        "GetCurrentDateAndTimeBlock",
    ),
    (
        "b29c1b50-5d0e-4d9f-8f9d-1b0e6fcbf0b1",
        "GetCurrentDateBlock",
    ),
    (
        "a892b8d9-3e4e-4e9c-9c1e-75f8efcf1bfa",
        "GetCurrentTimeBlock",
    ),
    ("262ca24c-1025-43cf-a578-534e23234e97", "GetListItemBlock"),
    (
        "f7a8b2c3-6d4e-5f8b-9e7f-6d4e5f8b9e7f",
        "GetWeatherInformationBlock",
    ),
    (
        "f5b0f5d0-1862-4d61-94be-3ad0fa772760",
        "GetWikipediaSummaryBlock",
    ),
    ("f884b2fb-04f4-4265-9658-14f433926ac9", "GmailAddLabelBlock"),
    ("64d2301c-b3f5-4174-8ac0-111ca1e1a7c0", "GmailForwardBlock"),
    ("25310c70-b89b-43ba-b25c-4dfa7e2a481c", "GmailReadBlock"),
    ("12bf5a24-9b90-4f40-9090-4e86e6995e60", "GmailReplyBlock"),
    ("6c27abc2-e51d-499e-a85f-5a0041ba94f0", "GmailSendBlock"),
    (
        "80bc3ed1-e9a4-449e-8163-a8fc86f74f6a",
        "GoogleCalendarReadEventsBlock",
    ),
    (
        "f47ac10b-58cc-4372-a567-0e02b2c3d479",
        "GoogleMapsSearchBlock",
    ),
    (
        "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d",
        "HumanInTheLoopBlock",
    ),
    (
        "6dbbc4b3-ca6c-42b6-b508-da52d23e13f2",
        "IfInputMatchesBlock",
    ),
    (
        "ff0861c9-1726-4aec-9e5b-bf53f3622112",
        "InstantiateCodeSandboxBlock",
    ),
    ("896ed73b-27d0-41be-813c-c1c1dc856c03", "ListIsEmptyBlock"),
    (
        "3060088f-6ed9-4928-9ba7-9c92823a7ccd",
        "MatchTextPatternBlock",
    ),
    ("cc10ff7b-7753-4ff2-9af6-9399b1a7eddc", "NoteBlock"),
    (
        "1d055e55-a2b9-4547-8311-907d05b0304d",
        "PersistInformationBlock",
    ),
    (
        "f3b1c1b2-4c4f-4f0d-8d2f-4c4f0d8d2f4c",
        "PrintToConsoleBlock",
    ),
    ("5ebe6768-8e5d-41e3-9134-1c7bd89a8d52", "ReadRSSFeedBlock"),
    (
        "46afe2ea-c613-43f8-95ff-6692c3ef6876",
        "RemoveFromDictionaryBlock",
    ),
    (
        "d93c5a93-ac7e-41c1-ae5c-ef67e6e9b826",
        "RemoveFromListBlock",
    ),
    (
        "27e31876-18b6-44f3-ab97-f6226d8b3889",
        "ReplaceDictionaryValueBlock",
    ),
    (
        "fbf62922-bea1-4a3d-8bac-23587f810b38",
        "ReplaceListItemBlock",
    ),
    (
        "d8710fc9-6e29-481e-a7d5-165eb16f8471",
        "RetrieveInformationBlock",
    ),
    (
        "422cb708-3109-4277-bfe3-bc2ae5812777",
        "ReverseListOrderBlock",
    ),
    ("87840993-2053-44b7-8da4-187ad4ee518c", "SearchTheWebBlock"),
    (
        "fff86bcd-e001-4bad-a7f6-2eae4720c8dc",
        "SendAuthenticatedWebRequestBlock",
    ),
    ("4335878a-394e-4e67-adf2-919877ff49ae", "SendEmailBlock"),
    (
        "6595ae1f-b924-42cb-9a41-551a0611c4b4",
        "SendWebRequestBlock",
    ),
    (
        "3b191d9f-356f-482d-8238-ba04b6d18381",
        "SmartDecisionMakerBlock",
    ),
    (
        "f66a3543-28d3-4ab5-8945-9b336371e2ce",
        "StepThroughItemsBlock",
    ),
    ("1ff065e9-88e8-4358-9d82-8dc91f622ba9", "StoreValueBlock"),
    ("2570e8fe-8447-43ed-84c7-70d657923231", "TextDecoderBlock"),
    ("7e7c87ab-3469-4bcc-9abe-67705091b713", "TextReplaceBlock"),
    ("d5ea33c8-a575-477a-b42f-2fe3be5055ec", "TextSplitBlock"),
    (
        "f3a8f7e1-4b1d-4e5f-9f2a-7c3d5a2e6b4c",
        "TranscribeYoutubeVideoBlock",
    ),
    (
        "95d1b990-ce13-4d88-9737-ba5c2070c97b",
        "UniversalTypeConverterBlock",
    ),
    (
        "ab2a782d-22cf-4587-8a70-55b59b3f9f90",
        "WordCharacterCountBlock",
    ),
    ("286380af-9529-4b55-8be0-1d7c854abdb5", "XMLParserBlock"),
];

/// The AutoGPT class name of a block id, when known.
pub fn autogpt_block_name(id: &str) -> Option<&'static str> {
    AUTOGPT_BLOCKS
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, n)| *n)
}
